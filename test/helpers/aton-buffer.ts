/**
 * One row of an ST Neural-ART (ATON) activation-buffer table as the project stores it in data/st-generated/
 * (read off a `network_c_info.json` of an STEdgeAI N6 compile): the buffer, its memory pool and offset, its size and
 * the epochs it lives through, its format and shape.
 */
export interface AtonBuffer {
  name: string;
  pool: string;
  offsetBytes: number;
  sizeBytes: number;
  firstEpoch: number;
  lastEpoch: number;
  format: string;
  shape: number[];
  /** Batch of the tensor, where the table records it. */
  batch?: number;
}
