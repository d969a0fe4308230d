/**
 * Versions. Meseta reports the Mesos version whose APIs it speaks in every
 * `version` field clients read (MasterInfo, `/version`, state), because
 * frameworks such as Marathon gate features on it; its own version is logged.
 */
export const MESETA_VERSION = '0.1.0';
/** The Mesos release whose wire APIs Meseta implements. */
export const MESOS_COMPAT_VERSION = '1.12.0';
