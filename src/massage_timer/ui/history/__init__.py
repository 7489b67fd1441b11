"""History's pieces: the lazy table model, the charts (pyqtgraph, imported late) and the doctor's report."""
