"""The Clients page and what it is built from (nothing is imported here: the page is built when first shown).

* :mod:`.page`: :class:`~.page.ClientsPage`, the search, the list and the chosen client;
* :mod:`.model`: the lazy table models and the pain summary;
* :mod:`.editor`: the form of one client;
* :mod:`.merge_dialog`: Find duplicates…;
* :mod:`.repeat`: what "Repeat last session" sets up;
* :mod:`.window`: the main window's part (a mixin).
"""
