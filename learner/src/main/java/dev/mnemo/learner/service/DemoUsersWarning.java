package dev.mnemo.learner.service;

import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;

/**
 * Warns at start-up when the admin API authenticates against the demo users bundled in the jar,
 * that is when no {@code mnemo-users.properties} lies in the working directory (the properties
 * realm reads that file first and falls back to the bundled copy).
 */
@ApplicationScoped
public class DemoUsersWarning {

    private static final Logger LOG = Logger.getLogger(DemoUsersWarning.class);

    @ConfigProperty(name = "quarkus.security.users.file.users", defaultValue = "mnemo-users.properties")
    String usersFile;

    void onStart(@Observes StartupEvent event) {
        if (!Files.exists(Path.of(usersFile)) && LaunchMode.current() == LaunchMode.NORMAL) {
            LOG.warnf("The admin API uses the DEMO users bundled in the jar (admin/mnemo-admin): put %s and "
                    + "mnemo-roles.properties in the working directory (%s) to replace them",
                    usersFile, Path.of("").toAbsolutePath());
        }
    }
}
