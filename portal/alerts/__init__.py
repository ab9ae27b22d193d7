"""Watchlists and email alerts: what a user follows (watchlist), the digest of what is new for
them (digest), mailing it once per refresh (send) and one-click unsubscribe (tokens)."""
