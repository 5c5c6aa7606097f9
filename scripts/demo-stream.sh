#!/usr/bin/env bash
# The demo shop's live stream (docs/live.md): a few seconds of HLS that the API serves at
# /media/demo-live/index.m3u8 (server/seed/stream.ts), so the live room plays offline, and the
# same seconds as HTTP-FLV at /media/demo-live/live.flv.
# Generated once and committed (server/seed/stream/, under 300 KB, segments as .mpegts: see below); ffmpeg is needed only to
# make it again (Debian: apt-get install -y ffmpeg), never at run time or in CI.
#
# Portrait 270x480 at 15 fps, H.264 baseline (every mini-program host's and browser's player
# decodes it) and a quiet AAC tone, cut in 2-second segments; a VOD playlist the room loops.
set -euo pipefail
cd "$(dirname "$0")/.."
out=server/seed/stream
rm -rf "$out"
mkdir -p "$out"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=270x480:rate=15:duration=6" \
  -f lavfi -i "sine=frequency=440:sample_rate=22050:duration=6" \
  -filter:a "volume=0.05" \
  -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p -preset veryslow -crf 32 -g 30 -keyint_min 30 -sc_threshold 0 \
  -c:a aac -b:a 24k -ac 1 \
  -fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1 \
  -f hls -hls_time 2 -hls_list_size 0 -hls_playlist_type vod \
  -hls_segment_filename "$out/seg-%d.ts" "$out/index.m3u8"
# The same seconds as HTTP-FLV (the other format live CDNs serve), remuxed without re-encoding.
ffmpeg -hide_banner -loglevel error -y -i "$out/index.m3u8" -c copy -bsf:a aac_adtstoasc \
  -fflags +bitexact -map_metadata -1 -f flv "$out/live.flv"
# The playlist names its segments seg-N.ts (what players expect); on disk they are seg-N.mpegts,
# since a .ts file in the repository is TypeScript to tsc, eslint and the tests' walkers. The
# server answers seg-N.ts from seg-N.mpegts.
for f in "$out"/seg-*.ts; do mv "$f" "${f%.ts}.mpegts"; done
du -cb "$out"/* | tail -1
