package io.watershed.fuzz.engine;

/**
 * What to send on one connection, and what to wait for.
 *
 * @param bytes everything written, in order, before the harness half-closes
 * @param expectedAnswers how many complete answers well-formed framing calls for; the harness waits
 *     for them (bounded) before it half-closes, so that slow answers such as acknowledgements of
 *     durable writes are seen. Zero when the framing was damaged: the harness then half-closes as
 *     soon as it has written.
 * @param detail what the door needs afterwards to read acknowledgements out of the answers
 */
public record Plan(byte[] bytes, int expectedAnswers, Object detail) {}
