/**
 * `<sys/netmgr.h>`: node descriptors and the `netmgr_ndtostr` flags.
 * @packageDocumentation
 */
/** @group Constants */
export const ND_LOCAL_NODE = 0;
/** The node bits of an nd (the rest is Quality of Service). @group Constants */
export const ND_NODE_MASK = 0xffff;
/** `netmgr_ndtostr` flags (`<sys/netmgr.h>`). @group Constants */
export const ND2S_DIR_SHOW = 0x0001;
/** @group Constants */
export const ND2S_DIR_HIDE = 0x0002;
/** @group Constants */
export const ND2S_QOS_SHOW = 0x0004;
/** @group Constants */
export const ND2S_QOS_HIDE = 0x0008;
/** @group Constants */
export const ND2S_NAME_SHOW = 0x0010;
/** @group Constants */
export const ND2S_NAME_HIDE = 0x0020;
/** @group Constants */
export const ND2S_DOMAIN_SHOW = 0x0040;
/** @group Constants */
export const ND2S_DOMAIN_HIDE = 0x0080;
/** @group Constants */
export const ND2S_LOCAL_STR = 0x1000;
/** @group Constants */
export const ND2S_SEP_FORCE = 0x2000;
