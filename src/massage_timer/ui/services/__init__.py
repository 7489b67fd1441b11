"""Platform services behind the pages: cues (sound, speech, tray notices), keep-awake, one instance per data folder,
and watching the open session log (its full check in the background, writes that wait for space)."""
