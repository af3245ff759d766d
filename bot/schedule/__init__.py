"""Schedule arithmetic: when a daily question is due, DST-correct, pure."""
