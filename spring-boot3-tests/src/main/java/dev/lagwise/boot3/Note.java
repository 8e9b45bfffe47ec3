package dev.lagwise.boot3;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One note. */
@Entity
@Table(name = Note.TABLE)
public class Note {

  /** Per module: the test cluster may be shared with other modules' tests. */
  public static final String TABLE = "boot3_notes";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  private String text;

  protected Note() {}

  public Note(String text) {
    this.text = text;
  }

  public Long getId() {
    return id;
  }

  public String getText() {
    return text;
  }
}
