"""Conversation logic and content: plain data in, plain data out."""
