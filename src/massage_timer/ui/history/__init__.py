"""History's pieces: the filter bar, the lazy table model, the detail pane, the doctor's report,
and the charts (pyqtgraph, imported late) with the loader that reads their numbers on a worker thread."""
