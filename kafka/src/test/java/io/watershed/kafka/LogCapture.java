package io.watershed.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects everything one class logs while a test runs, DEBUG included, so that the test can check
 * what an operator would see: how many lines, at what level, and whether any carries a stack trace.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final Level previousLevel;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(Class<?> source) {
    logger = (Logger) LoggerFactory.getLogger(source);
    previousLevel = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    appender.start();
    logger.addAppender(appender);
  }

  public static LogCapture of(Class<?> source) {
    return new LogCapture(source);
  }

  /** Every event logged so far. */
  public List<ILoggingEvent> events() {
    synchronized (appender) { // the lock AppenderBase.doAppend takes
      return List.copyOf(appender.list);
    }
  }

  /** The formatted messages of the events that mention {@code text}. */
  public List<String> linesContaining(String text) {
    return events().stream()
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains(text))
        .toList();
  }

  /** Events logged with a stack trace. */
  public List<ILoggingEvent> withStackTraces() {
    return events().stream().filter(e -> e.getThrowableProxy() != null).toList();
  }

  /** Events logged at WARN or above. */
  public List<ILoggingEvent> warnings() {
    return events().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(previousLevel);
  }
}
