package io.watershed.fuzz.engine;

/** Counts the complete answers in what a connection has received so far. */
@FunctionalInterface
public interface AnswerCounter {
  int completeAnswers(byte[] received, int length);
}
