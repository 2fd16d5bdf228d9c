package io.watershed.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.fuzz.engine.DoorFuzzer;
import io.watershed.fuzz.engine.Plan;
import org.junit.jupiter.api.Test;

/** An input is a function of (door, seed, index, mix): replaying one sends the same bytes. */
class ReproducibleInputsTest {
  @Test
  void theSameDoorSeedAndIndexGiveTheSameBytesAndOthersDoNot() {
    for (Door door : Door.values()) {
      for (Mix mix : Mix.values()) {
        DoorFuzzer a = FuzzMain.fuzzer(door, mix);
        DoorFuzzer b = FuzzMain.fuzzer(door, mix);
        int differentFromNext = 0;
        for (long i = 0; i < 200; i++) {
          Plan first = a.plan(Campaign.input(door, 42, i));
          Plan again = b.plan(Campaign.input(door, 42, i));
          assertThat(again.bytes()).as("%s %s input %d", door, mix, i).isEqualTo(first.bytes());
          assertThat(again.expectedAnswers()).isEqualTo(first.expectedAnswers());
          if (!java.util.Arrays.equals(
              first.bytes(), a.plan(Campaign.input(door, 42, i + 1)).bytes())) {
            differentFromNext++;
          }
        }
        assertThat(differentFromNext)
            .as("%s %s inputs differ from each other", door, mix)
            .isGreaterThan(190);
      }
    }
  }
}
