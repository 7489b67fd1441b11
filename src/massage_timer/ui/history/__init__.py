"""History's pieces: the filter bar, the lazy table model, the detail pane, the doctor's report
(written on a worker thread behind a progress dialog), and the charts (pyqtgraph, imported late)
with the loader that reads their numbers on a worker thread."""
