package dev.lagwise.boot4;

import org.springframework.data.jpa.repository.JpaRepository;

/** Spring Data JPA over {@link Note}. */
public interface NoteRepository extends JpaRepository<Note, Long> {}
