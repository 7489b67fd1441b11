"""The session model: the plan of one session and the engine that runs it on an injected clock."""
