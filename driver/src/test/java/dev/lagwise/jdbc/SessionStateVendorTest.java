package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** Vendor settings in the session's replay list: newest per key, kept by DISCARD ALL. */
class SessionStateVendorTest {

  record Setting(String key, Object value) implements SessionState.VendorSetting {
    @Override
    public void applyTo(Connection c) {}
  }

  @Test
  void theNewestSettingPerKeyIsKeptAndOtherKeysStay() {
    SessionState s = new SessionState();
    assertThat(s.recordVendor(new Setting("threshold", 3))).isTrue();
    assertThat(s.recordVendor(new Setting("type.point", "A"))).isTrue();
    assertThat(s.recordVendor(new Setting("type.box", "B"))).isTrue();
    int version = s.version;
    assertThat(s.recordVendor(new Setting("threshold", 5))).isTrue();
    assertThat(s.version).as("a change replays").isGreaterThan(version);
    assertThat(s.ops).hasSize(3);
    assertThat(s.vendorSetting("threshold").value()).isEqualTo(5);
    assertThat(s.vendorSetting("type.point").value()).isEqualTo("A");
    assertThat(s.vendorSetting("missing")).isNull();
  }

  @Test
  void jdbcSettersAndRollbacksLeaveVendorSettingsAlone() {
    SessionState s = new SessionState();
    s.recordVendor(new Setting("threshold", 3));
    s.record(SessionState.SCHEMA, "app", false);
    s.record(SessionState.SCHEMA, "other", false);
    s.record(SessionState.SQL, "SET search_path = x", true);
    s.rolledBack();
    assertThat(s.ops)
        .extracting(SessionState.Op::type)
        .containsExactly(SessionState.VENDOR, SessionState.SCHEMA);
    assertThat(s.vendorSetting("threshold").value()).isEqualTo(3);
  }

  @Test
  void discardAllForgetsServerStateButNotTheVendorDriversOwn() {
    SessionState s = new SessionState();
    s.record(SessionState.SQL, "SET search_path = x", false);
    s.recordVendor(new Setting("type.point", "A"));
    int epoch = s.resetEpoch;
    s.reset();
    assertThat(s.resetEpoch).isGreaterThan(epoch);
    assertThat(s.ops).extracting(SessionState.Op::type).containsExactly(SessionState.VENDOR);
  }
}
