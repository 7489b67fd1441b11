"""The session model: the plan of one session, the engine that runs it on an injected clock,
the events and records it hands out, and the manager of several sessions on one clock."""
