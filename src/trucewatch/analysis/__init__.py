"""Analysis over stored articles: ceasefire records, claims, escalation per dyad."""
