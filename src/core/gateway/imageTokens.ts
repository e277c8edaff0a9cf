/**
 * Input tokens of an image, by OpenAI's published rule for high-detail images: scale to fit 2048×2048, then the
 * shorter side to 768, then 170 per 512-pixel tile plus 85. Sizes are read from the PNG or JPEG header; an image
 * whose size cannot be read counts as 1024×1024 (765 tokens). Other providers bill images by their own rules, so
 * for them this is an estimate like every other non-OpenAI count.
 */
export function imageTokens(data: Uint8Array): number {
  const size = imageSize(data) ?? { width: 1024, height: 1024 };
  let { width, height } = size;
  const fit = Math.min(1, 2048 / Math.max(width, height));
  width *= fit;
  height *= fit;
  const shorter = Math.min(width, height);
  if (shorter > 768) {
    width *= 768 / shorter;
    height *= 768 / shorter;
  }
  return 85 + 170 * Math.ceil(width / 512) * Math.ceil(height / 512);
}

/** Width and height from a PNG IHDR or a JPEG SOF segment; undefined for anything else. */
export function imageSize(data: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length >= 24 && view.getUint32(0) === 0x89504e47) return { width: view.getUint32(16), height: view.getUint32(20) };
  if (data.length < 4 || view.getUint16(0) !== 0xffd8) return undefined;
  for (let at = 2; at + 9 < data.length;) {
    if (data[at] !== 0xff) return undefined;
    const marker = data[at + 1];
    const length = view.getUint16(at + 2);
    // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    at += 2 + length;
  }
  return undefined;
}
