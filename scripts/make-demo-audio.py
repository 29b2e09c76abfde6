#!/usr/bin/env python3
# Made samples/newsroom-briefing.ogg and samples/newsroom-briefing.whisperx.json once (run in an
# empty directory, with Debian's espeak-ng and ffmpeg; then copy the two files into samples/). Each
# sentence is spoken by espeak-ng (two voices), its leading and trailing silence trimmed, measured,
# and the sentences joined with short pauses: segment times come from the measured audio. Word
# times are spread over each sentence by the words' lengths (espeak-ng reports no word timings).
import array
import json
import subprocess
import wave
lines = [
  ("SPEAKER_00", "en-us", "Good morning, everyone. Let's start with the flood coverage."),
  ("SPEAKER_01", "en-us+f3", "The river crested overnight, and two bridges are still closed."),
  ("SPEAKER_00", "en-us", "Do we have video from the north bank?"),
  ("SPEAKER_01", "en-us+f3", "Yes. Our crew filmed the evacuation at dawn, and the footage is uploading now."),
  ("SPEAKER_00", "en-us", "Good. Lead with the bridges, then the evacuation, then the forecast."),
  ("SPEAKER_01", "en-us+f3", "I will have a draft ready by ten."),
]
rate = 22050
pause = 0.45
pcm = b''
segments = []
t = 0.3
pcm += b'\x00\x00' * int(rate * t)
for i, (spk, voice, text) in enumerate(lines):
    subprocess.run(['espeak-ng', '-v', voice, '-s', '155', '-w', f'l{i}.wav', text], check=True)
    with wave.open(f'l{i}.wav') as w:
        assert w.getframerate() == rate and w.getsampwidth() == 2 and w.getnchannels() == 1
        frames = w.readframes(w.getnframes())
    # espeak pads with silence at both ends: trim samples below a small threshold.
    a = array.array('h', frames)
    lo = next(k for k, v in enumerate(a) if abs(v) > 300)
    hi = len(a) - next(k for k, v in enumerate(reversed(a)) if abs(v) > 300)
    a = a[lo:hi]
    dur = len(a) / rate
    words = text.split()
    weights = [len(w.strip(',.?')) + 1 for w in words]
    total = sum(weights)
    acc = t
    ws = []
    for w, k in zip(words, weights):
        d = dur * k / total
        ws.append({"word": w, "start": round(acc, 3), "end": round(acc + d, 3)})
        acc += d
    segments.append({"start": round(t, 3), "end": round(t + dur, 3), "text": text, "speaker": spk, "words": ws})
    pcm += a.tobytes() + b'\x00\x00' * int(rate * pause)
    t += dur + pause
with wave.open('all.wav', 'wb') as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate); w.writeframes(pcm)
json.dump({"segments": segments, "language": "en"}, open('newsroom-briefing.whisperx.json', 'w'), separators=(',', ':'))
subprocess.run(['ffmpeg', '-loglevel', 'error', '-y', '-i', 'all.wav', '-c:a', 'libopus', '-b:a', '24k', '-ac', '1',
                'newsroom-briefing.ogg'], check=True)
print('duration', t)
