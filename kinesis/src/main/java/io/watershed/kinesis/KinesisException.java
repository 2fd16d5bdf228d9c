package io.watershed.kinesis;

/**
 * An error answered to the client the way Kinesis answers it: an HTTP status and a body {@code
 * {"__type": <errorType>, "message": <message>}} in the request's encoding. The SDK maps the type
 * to its exception class ({@code ResourceNotFoundException} …).
 */
public final class KinesisException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String errorType;
  private final int status;

  public KinesisException(String errorType, int status, String message) {
    super(message, null, false, false);
    this.errorType = errorType;
    this.status = status;
  }

  /** The error code, e.g. {@code ResourceNotFoundException}. */
  public String errorType() {
    return errorType;
  }

  /**
   * The HTTP status: 400 for client errors, 500 for InternalFailure, 503 for ServiceUnavailable.
   */
  public int status() {
    return status;
  }

  public static KinesisException resourceNotFound(String message) {
    return new KinesisException("ResourceNotFoundException", 400, message);
  }

  public static KinesisException resourceInUse(String message) {
    return new KinesisException("ResourceInUseException", 400, message);
  }

  public static KinesisException invalidArgument(String message) {
    return new KinesisException("InvalidArgumentException", 400, message);
  }

  public static KinesisException limitExceeded(String message) {
    return new KinesisException("LimitExceededException", 400, message);
  }

  public static KinesisException expiredIterator(String message) {
    return new KinesisException("ExpiredIteratorException", 400, message);
  }

  public static KinesisException expiredNextToken(String message) {
    return new KinesisException("ExpiredNextTokenException", 400, message);
  }

  public static KinesisException throughputExceeded(String message) {
    return new KinesisException("ProvisionedThroughputExceededException", 400, message);
  }

  public static KinesisException validation(String message) {
    return new KinesisException("ValidationException", 400, message);
  }

  public static KinesisException serialization(String message) {
    return new KinesisException("SerializationException", 400, message);
  }

  public static KinesisException unknownOperation(String message) {
    return new KinesisException("UnknownOperationException", 400, message);
  }

  /**
   * AWS's common error for a temporary failure of the server (HTTP 503), which clients retry with
   * back-off.
   */
  public static KinesisException serviceUnavailable(String message) {
    return new KinesisException("ServiceUnavailable", 503, message);
  }

  public static KinesisException internalFailure(String message) {
    return new KinesisException("InternalFailureException", 500, message);
  }
}
