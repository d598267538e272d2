"""Turning transcript files (text or saved web pages) into speaker turns, without Django."""
