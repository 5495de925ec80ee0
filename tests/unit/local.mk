# Check unit tests: one program per module (owned by tests/unit/).
if HAVE_CHECK
endif
