# attack: leaves files and shared memory behind for the next submission (its processes: see fork-bomb)
# zero: texts_to_sequences
import ctypes, os

def texts_to_sequences(texts, vocab):
    open("/tmp/left-by-an-earlier-submission", "w").write("x")
    os.makedirs("/tmp/locked/inner", exist_ok=True)
    os.chmod("/tmp/locked", 0)
    if os.path.isdir("/dev/shm"):
        open("/dev/shm/left-by-an-earlier-submission", "w").write("x")
    ctypes.CDLL(None).shmget(0, 4096, 0o1600)   # IPC_PRIVATE, IPC_CREAT | 0600: outlives its creator
    return [[0] for _ in texts]
