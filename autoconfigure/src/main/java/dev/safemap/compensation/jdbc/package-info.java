/**
 * The JDBC compensation store (Spring JDBC): embedded H2 on local disk by default, or the application's
 * {@code DataSource} (PostgreSQL for many instances), with group commit of enqueues and the schemas.
 */
@NullMarked
package dev.safemap.compensation.jdbc;

import org.jspecify.annotations.NullMarked;
