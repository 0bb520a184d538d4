from . import test_art_setup
