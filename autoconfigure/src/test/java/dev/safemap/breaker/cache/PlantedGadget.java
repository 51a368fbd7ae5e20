package dev.safemap.breaker.cache;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stands for a deserialization gadget an attacker plants in a shared store: reading it with Java serialization runs
 * its {@code readObject}, which only raises {@link #RAN}.
 */
public final class PlantedGadget implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	/** Raised when any code of a planted object ran. */
	public static final AtomicBoolean RAN = new AtomicBoolean();

	@Serial
	private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
		in.defaultReadObject();
		RAN.set(true);
	}

	/**
	 * The Java-serialized bytes of a gadget, as an attacker would write them.
	 * @return the bytes
	 */
	public static byte[] serialized() {
		try (java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
				java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
			out.writeObject(new PlantedGadget());
			out.flush();
			return bytes.toByteArray();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
