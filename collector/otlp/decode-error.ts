/** The request body cannot be decoded as an ExportTraceServiceRequest; answered 400 (the client must not retry). */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}
