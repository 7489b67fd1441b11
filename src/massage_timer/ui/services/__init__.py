"""Platform services behind the pages: cues (sound, speech, tray notices), keep-awake, one instance per data folder."""
