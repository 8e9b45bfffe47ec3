package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BinlogStateTest {

  /** Replica state; primary state; primary's server id; whether the replica has diverged. */
  @ParameterizedTest(name = "replica {0} vs primary {1} (server {2}) -> {3}")
  @CsvSource(
      delimiter = ';',
      value = {
        "0-1-100; 0-1-100; 1; false",
        "0-1-90; 0-1-100; 1; false",
        // replayed a transaction of the primary after the primary's last probe: not divergence
        "0-1-101; 0-1-100; 1; false",
        "'';  0-1-100; 1; false",
        // wrote on its own while writable (its own server id 3)
        "0-1-100,0-3-101; 0-1-100; 1; true",
        "0-1-100,7-3-1; 0-1-100; 1; true",
        // after a clean failover to server 2: the old primary's transactions are on both
        "0-1-100,0-2-150; 0-1-100,0-2-160; 2; false",
        // kept the old primary's last transaction, which the new primary never received
        "0-1-101,0-2-150; 0-1-100,0-2-160; 2; true",
        "0-1-100; ''; 2; true",
        // unsigned sequences beyond Long.MAX_VALUE compare as the server does
        "0-3-18446744073709551615; 0-3-9223372036854775807; 1; true",
      })
  void aReplicaDivergesWithGtidsOfAnotherServerThatThePrimaryLacks(
      String replica, String primary, long primaryServer, boolean diverged) throws SQLException {
    assertThat(BinlogState.parse(replica).hasOwnBeyond(BinlogState.parse(primary), primaryServer))
        .isEqualTo(diverged);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0-1", "0-1-x", "a-b-c", "0-1-2-3", "0-1-2,,0-2-3"})
  void anUnexpectedStateIsAClearError(String text) {
    assertThatThrownBy(() -> BinlogState.parse(text))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("gtid_binlog_state")
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("XX000");
  }
}
