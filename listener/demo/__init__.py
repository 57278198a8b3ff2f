"""The demo source: replays Earful's scripted scenario so a fresh install has a live inbox."""
