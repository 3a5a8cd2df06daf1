# replaces: solution-lookup
# bug: plain W[x] without checks: -1 wraps to the last row, a too-large index raises IndexError, a bool array acts as a mask
# caught by: test_lookup_negative, test_lookup_too_large, test_lookup_non_integer
def lookup(W, x):
    return W[x]
