"""Images per second per core through the media pipeline, and the peak memory of a worker.

Makes a few 12-megapixel JPEGs here (4000×3000, quality 90, EXIF with GPS like a phone's; smooth
light, shapes and grain at several scales, so they weigh about what a phone photo weighs and cost
what it costs to decode), then sends them through `MediaPool` — the path uploads and remote media
take: bytes pickled to a worker process, `process` (checks, decode, orientation, sRGB, two WebP
renditions, blurhash, pHash), results pickled back.

1. one worker: images per second on one core, and the worker's peak RSS (VmHWM);
2. one worker per CPU: the aggregate, and per core.
Targets (issue 4): at least 10 images/s per core, peak RSS under 250 MB.

"Per core" is counted in CPU time of the worker (from /proc), so a busy machine does not lower
it; the wall-clock rate is printed too. `--worst-case` adds the peak memory of the largest images
of each format that decodes whole (PNG, WebP, HEIC) that the default limits accept.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from sotong.media.pool import MediaPool
from sotong.media.process import process

GPS_IFD = 0x8825


def phone_photo(width: int, height: int, seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    light = np.asarray(Image.linear_gradient("L").resize((width, height)), np.float32) * 0.5
    channels = []
    for _ in range(3):
        channel = np.zeros((height, width), np.float32)
        for scale, amplitude in ((400, 60), (60, 40), (16, 12), (4, 6), (1, 6)):
            rows, columns = height // scale + 2, width // scale + 2
            noise = rng.normal(0, 1, (rows, columns)).astype(np.float32)
            layer = Image.fromarray(noise, "F").resize(
                (width, height),
                Image.Resampling.BICUBIC,
                box=(0, 0, width / scale, height / scale),
            )
            channel += np.asarray(layer) * amplitude
        channels.append(channel + light + 64)
    pixels = np.clip(np.stack(channels, axis=-1), 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


def phone_jpeg(width: int, height: int, quality: int, seed: int) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "BenchPhone"
    exif[0x0112] = 1
    exif[GPS_IFD] = {1: "N", 2: (37.0, 33.0, 59.4), 3: "E", 4: (126.0, 58.0, 40.7)}
    buffer = io.BytesIO()
    phone_photo(width, height, seed).save(
        buffer, format="JPEG", quality=quality, exif=exif.tobytes()
    )
    return buffer.getvalue()


def children() -> list[int]:
    pids: list[int] = []
    for listing in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        pids.extend(int(pid) for pid in listing.read_text().split())
    return pids


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    workers: int
    images: int
    wall_seconds: float
    worker_cpu_seconds: float
    peak_rss_mb: float

    def report(self) -> str:
        per_cpu_second = self.images / self.worker_cpu_seconds
        wall_rate = self.images / self.wall_seconds
        return (
            f"{self.workers} worker(s): {per_cpu_second:.1f} images per CPU-second of a worker "
            f"(= per core); wall clock {wall_rate:.1f} images/s in all "
            f"({wall_rate / self.workers:.1f} per worker); worker peak RSS "
            f"{self.peak_rss_mb:.0f} MB"
        )


async def run_pool(images: list[bytes], workers: int, rounds: int) -> Run:
    async with MediaPool(workers) as pool:
        await asyncio.gather(*(pool.process(images[i % len(images)]) for i in range(workers * 2)))
        pids = children()
        count = len(images) * rounds
        cpu_before = cpu_seconds(pids)
        started = time.perf_counter()
        await asyncio.gather(*(pool.process(images[i % len(images)]) for i in range(count)))
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds(pids) - cpu_before
        peak = max(peak_rss_mb(pid) for pid in pids)
    return Run(workers, count, elapsed, cpu, peak)


def worst_cases() -> dict[str, bytes]:
    """The costliest images the default limits let through, one of each kind that decodes whole
    (a gradient, so they are quick to make; the cost is in the pixel count, not the content)."""
    import pillow_heif

    pillow_heif.register_heif_opener()

    def gradient(width: int, height: int) -> Image.Image:
        base = Image.linear_gradient("L").resize((width, height))
        flipped = base.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        return Image.merge("RGB", (base, flipped, base.transpose(Image.Transpose.FLIP_TOP_BOTTOM)))

    def encode(image: Image.Image, format: str, **options: object) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, format=format, **options)
        return buffer.getvalue()

    return {
        "PNG, RGB, 49 MP": encode(gradient(7000, 7000), "PNG"),
        "PNG, palette, 49 MP": encode(gradient(7000, 7000).convert("P"), "PNG"),
        "PNG, RGBA, 24.5 MP": encode(gradient(7000, 3500).convert("RGBA"), "PNG"),
        "WebP, 24.5 MP": encode(gradient(7000, 3500), "WEBP"),
        "HEIC, 49 MP": encode(gradient(7000, 7000), "HEIF", quality=30),
    }


async def worst_case_peaks() -> None:
    for label, data in worst_cases().items():
        async with MediaPool(1) as pool:
            await pool.process(data)
            peak = max(peak_rss_mb(pid) for pid in children())
        print(f"worst case {label}: worker peak RSS {peak:.0f} MB")


def stage_times(data: bytes) -> None:
    """Where one image's time goes, in this process (no pool)."""
    from sotong.media import process as pipeline

    repeats = 5
    process(data)
    started = time.process_time()
    for _ in range(repeats):
        process(data)
    total = (time.process_time() - started) / repeats
    image = Image.open(io.BytesIO(data))
    image.draft(None, (pipeline.DISPLAY_SIZE, pipeline.DISPLAY_SIZE * 3 // 4))
    started = time.process_time()
    image.load()
    decode = time.process_time() - started
    print(
        f"in this process: {total * 1000:.0f} ms of CPU per image "
        f"(of which the JPEG decode at 1/2 scale: {decode * 1000:.0f} ms)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    parser.add_argument("--quality", type=int, default=90, help="JPEG quality of the inputs")
    parser.add_argument("--distinct", type=int, default=4, help="different photos to cycle")
    parser.add_argument("--rounds", type=int, default=10, help="passes over the photos")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--worst-case",
        action="store_true",
        help="also the peak memory of the largest PNG, WebP and HEIC the limits allow",
    )
    args = parser.parse_args()

    images = [
        phone_jpeg(args.width, args.height, args.quality, seed) for seed in range(args.distinct)
    ]
    megapixels = args.width * args.height / 1e6
    average = sum(map(len, images)) / len(images) / 1e6
    print(
        f"inputs: {len(images)} JPEGs, {args.width}×{args.height} ({megapixels:.1f} MP), "
        f"quality {args.quality}, {average:.2f} MB on average"
    )
    stage_times(images[0])

    print((await run_pool(images, 1, args.rounds)).report())
    if args.workers > 1:
        print((await run_pool(images, args.workers, args.rounds)).report())
    if args.worst_case:
        await worst_case_peaks()


if __name__ == "__main__":
    asyncio.run(main())
