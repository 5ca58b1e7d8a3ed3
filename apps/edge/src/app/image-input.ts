// Pictures for image models: a photo file or a camera frame, drawn (stretched) to the model's size.
export async function imageFromFile(file: File): Promise<ImageBitmap> {
  return createImageBitmap(file);
}

export async function startCamera(video: HTMLVideoElement): Promise<MediaStream> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  video.srcObject = stream;
  await video.play();
  return stream;
}

export function stopCamera(stream: MediaStream | undefined): void {
  for (const t of stream?.getTracks() ?? []) t.stop();
}

/** RGBA pixels of `source` resized to width x height, drawn onto `canvas` (the visible preview). */
export function resizedPixels(
  source: CanvasImageSource,
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
): Uint8ClampedArray {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(source, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height).data;
}
