"""Use cases: one public function per thing a user does; each owns its transaction."""
