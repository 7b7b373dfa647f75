"""Tidewater Helpdesk: support-desk tooling around the Mistral API."""
