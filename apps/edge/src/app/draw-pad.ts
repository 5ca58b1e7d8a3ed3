// A canvas to draw a digit on with a finger, pen or mouse (pointer events), white ink on black
// like MNIST. The canvas keeps a fixed 280x280 resolution whatever its CSS size.
export class DrawPad {
  /** Strokes finished since the page loaded (the result panel reports which one it answered). */
  strokes = 0;
  private drawing = false;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onStroke: () => void,
  ) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => this.start(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', (e) => this.end(e));
    canvas.addEventListener('pointercancel', (e) => this.end(e));
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Ink per pixel, 0..1 (red channel of white-on-black). */
  ink(): { data: Float32Array; width: number; height: number } {
    const { width, height } = this.canvas;
    const px = this.ctx.getImageData(0, 0, width, height).data;
    const data = new Float32Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = px[i * 4]! / 255;
    return { data, width, height };
  }

  private point(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [
      ((e.clientX - r.left) * this.canvas.width) / r.width,
      ((e.clientY - r.top) * this.canvas.height) / r.height,
    ];
  }

  private start(e: PointerEvent): void {
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    this.drawing = true;
    const [x, y] = this.point(e);
    const c = this.ctx;
    c.strokeStyle = '#fff';
    c.fillStyle = '#fff';
    c.lineWidth = this.canvas.width / 14;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.arc(x, y, c.lineWidth / 2, 0, Math.PI * 2);
    c.fill();
    c.beginPath();
    c.moveTo(x, y);
  }

  private move(e: PointerEvent): void {
    if (!this.drawing) return;
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const [x, y] = this.point(ev);
      this.ctx.lineTo(x, y);
    }
    this.ctx.stroke();
  }

  private end(e: PointerEvent): void {
    if (!this.drawing) return;
    this.move(e);
    this.drawing = false;
    this.strokes++;
    this.canvas.dataset.strokes = String(this.strokes);
    this.onStroke();
  }
}
