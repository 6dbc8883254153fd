package io.tsmigrator.doctor;

/**
 * A database the run works against and its settings.
 *
 * @param role "source and target", "source" or "target"
 * @param suffix appended to check names when source and target are separate databases, else empty
 */
record Server(String role, String suffix, ServerSettings settings) {
}
