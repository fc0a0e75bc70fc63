"""Counselling sessions: free slots, bookings, reminders, calendar feeds and the coordinators' tools."""
