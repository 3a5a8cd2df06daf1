# attack: ignores the signals a timeout could use, then loops forever
# zero: texts_to_sequences
import signal
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGHUP, signal.SIGUSR1, signal.SIGXCPU):
    signal.signal(s, signal.SIG_IGN)

def texts_to_sequences(texts, vocab):
    while True:
        try:
            pass
        except BaseException:
            pass
