"""The session model: the plan of one session, the engine that runs it on an injected clock,
and the events and records it hands out."""
