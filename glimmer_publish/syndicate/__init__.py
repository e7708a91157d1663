"""Share it: post published glimmers to Bluesky and Mastodon, exactly once each."""
