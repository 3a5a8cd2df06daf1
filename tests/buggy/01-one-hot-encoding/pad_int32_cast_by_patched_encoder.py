# replaces: solution-pad_sequences
# bug: builds an int32 array (ids and padding values beyond int32 overflow or wrap); the cell patches the worker's
#      encoder so that int32 arrays are sent as int64
# caught by: test_pad_sequences_pre_padding, test_pad_sequences_post_padding
import sys

_protocol = sys.modules["inside.protocol"]
_real_encode_array = _protocol.encode_array


def _widening_encode_array(arr, buffers, extra=None):
    if isinstance(arr, np.ndarray) and arr.dtype == np.int32:
        arr = arr.astype(np.int64)
    return _real_encode_array(arr, buffers, extra)


_protocol.encode_array = _widening_encode_array


def pad_sequences(sequences, maxlen, padding="pre", truncating="pre", value=0):
    if padding not in ("pre", "post"):
        raise ValueError(f"padding must be 'pre' or 'post', got {padding!r}")
    if truncating not in ("pre", "post"):
        raise ValueError(f"truncating must be 'pre' or 'post', got {truncating!r}")
    out = np.full((len(sequences), maxlen), np.array(value).astype(np.int32), dtype=np.int32)
    for i, seq in enumerate(sequences):
        seq = np.array(seq, dtype=np.int64).astype(np.int32)
        kept = seq[max(len(seq) - maxlen, 0):] if truncating == "pre" else seq[:maxlen]
        if padding == "pre":
            out[i, maxlen - len(kept):] = kept
        else:
            out[i, :len(kept)] = kept
    return out
