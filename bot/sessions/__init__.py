"""Session rules (quiz rounds, interviews, scoring): pure, with the clock passed in."""
