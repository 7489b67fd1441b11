"""The Qt layer: windows, pages, dialogs, cues. Widgets hold no timing or business logic."""
