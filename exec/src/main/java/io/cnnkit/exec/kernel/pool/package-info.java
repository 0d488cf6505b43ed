/** Max and average pooling, windowed and global, vectorised along output rows. */
package io.cnnkit.exec.kernel.pool;
