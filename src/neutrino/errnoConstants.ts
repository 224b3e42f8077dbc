/**
 * QNX errno values as C constants (generated from the ERRNO table; spec/neutrino/errnoConstants.spec.ts keeps them equal).
 * @packageDocumentation
 */

/** @group Errno */
export const EOK = 0;
/** @group Errno */
export const EPERM = 1;
/** @group Errno */
export const ENOENT = 2;
/** @group Errno */
export const ESRCH = 3;
/** @group Errno */
export const EINTR = 4;
/** @group Errno */
export const EIO = 5;
/** @group Errno */
export const ENXIO = 6;
/** @group Errno */
export const E2BIG = 7;
/** @group Errno */
export const ENOEXEC = 8;
/** @group Errno */
export const EBADF = 9;
/** @group Errno */
export const ECHILD = 10;
/** @group Errno */
export const EAGAIN = 11;
/** @group Errno */
export const ENOMEM = 12;
/** @group Errno */
export const EACCES = 13;
/** @group Errno */
export const EFAULT = 14;
/** @group Errno */
export const ENOTBLK = 15;
/** @group Errno */
export const EBUSY = 16;
/** @group Errno */
export const EEXIST = 17;
/** @group Errno */
export const EXDEV = 18;
/** @group Errno */
export const ENODEV = 19;
/** @group Errno */
export const ENOTDIR = 20;
/** @group Errno */
export const EISDIR = 21;
/** @group Errno */
export const EINVAL = 22;
/** @group Errno */
export const ENFILE = 23;
/** @group Errno */
export const EMFILE = 24;
/** @group Errno */
export const ENOTTY = 25;
/** @group Errno */
export const ETXTBSY = 26;
/** @group Errno */
export const EFBIG = 27;
/** @group Errno */
export const ENOSPC = 28;
/** @group Errno */
export const ESPIPE = 29;
/** @group Errno */
export const EROFS = 30;
/** @group Errno */
export const EMLINK = 31;
/** @group Errno */
export const EPIPE = 32;
/** @group Errno */
export const EDOM = 33;
/** @group Errno */
export const ERANGE = 34;
/** @group Errno */
export const ENOMSG = 35;
/** @group Errno */
export const EIDRM = 36;
/** @group Errno */
export const ECHRNG = 37;
/** @group Errno */
export const EL2NSYNC = 38;
/** @group Errno */
export const EL3HLT = 39;
/** @group Errno */
export const EL3RST = 40;
/** @group Errno */
export const ELNRNG = 41;
/** @group Errno */
export const EUNATCH = 42;
/** @group Errno */
export const ENOCSI = 43;
/** @group Errno */
export const EL2HLT = 44;
/** @group Errno */
export const EDEADLK = 45;
/** @group Errno */
export const ENOLCK = 46;
/** @group Errno */
export const ECANCELED = 47;
/** @group Errno */
export const ENOTSUP = 48;
/** @group Errno */
export const EDQUOT = 49;
/** @group Errno */
export const EBADE = 50;
/** @group Errno */
export const EBADR = 51;
/** @group Errno */
export const EXFULL = 52;
/** @group Errno */
export const ENOANO = 53;
/** @group Errno */
export const EBADRQC = 54;
/** @group Errno */
export const EBADSLT = 55;
/** @group Errno */
export const EDEADLOCK = 56;
/** @group Errno */
export const EBFONT = 57;
/** @group Errno */
export const EOWNERDEAD = 58;
/** @group Errno */
export const ENOSTR = 60;
/** @group Errno */
export const ENODATA = 61;
/** @group Errno */
export const ETIME = 62;
/** @group Errno */
export const ENOSR = 63;
/** @group Errno */
export const ENONET = 64;
/** @group Errno */
export const ENOPKG = 65;
/** @group Errno */
export const EREMOTE = 66;
/** @group Errno */
export const ENOLINK = 67;
/** @group Errno */
export const EADV = 68;
/** @group Errno */
export const ESRMNT = 69;
/** @group Errno */
export const ECOMM = 70;
/** @group Errno */
export const EPROTO = 71;
/** @group Errno */
export const EMULTIHOP = 74;
/** @group Errno */
export const EBADMSG = 77;
/** @group Errno */
export const ENAMETOOLONG = 78;
/** @group Errno */
export const EOVERFLOW = 79;
/** @group Errno */
export const ENOTUNIQ = 80;
/** @group Errno */
export const EBADFD = 81;
/** @group Errno */
export const EREMCHG = 82;
/** @group Errno */
export const ELIBACC = 83;
/** @group Errno */
export const ELIBBAD = 84;
/** @group Errno */
export const ELIBSCN = 85;
/** @group Errno */
export const ELIBMAX = 86;
/** @group Errno */
export const ELIBEXEC = 87;
/** @group Errno */
export const EILSEQ = 88;
/** @group Errno */
export const ENOSYS = 89;
/** @group Errno */
export const ELOOP = 90;
/** @group Errno */
export const ERESTART = 91;
/** @group Errno */
export const ESTRPIPE = 92;
/** @group Errno */
export const ENOTEMPTY = 93;
/** @group Errno */
export const EUSERS = 94;
/** @group Errno */
export const ENOTRECOVERABLE = 95;
/** @group Errno */
export const EOPNOTSUPP = 103;
/** @group Errno */
export const EFPOS = 110;
/** @group Errno */
export const ESTALE = 122;
/** @group Errno */
export const EINPROGRESS = 236;
/** @group Errno */
export const EALREADY = 237;
/** @group Errno */
export const ENOTSOCK = 238;
/** @group Errno */
export const EDESTADDRREQ = 239;
/** @group Errno */
export const EMSGSIZE = 240;
/** @group Errno */
export const EPROTOTYPE = 241;
/** @group Errno */
export const ENOPROTOOPT = 242;
/** @group Errno */
export const EPROTONOSUPPORT = 243;
/** @group Errno */
export const ESOCKTNOSUPPORT = 244;
/** @group Errno */
export const EPFNOSUPPORT = 246;
/** @group Errno */
export const EAFNOSUPPORT = 247;
/** @group Errno */
export const EADDRINUSE = 248;
/** @group Errno */
export const EADDRNOTAVAIL = 249;
/** @group Errno */
export const ENETDOWN = 250;
/** @group Errno */
export const ENETUNREACH = 251;
/** @group Errno */
export const ENETRESET = 252;
/** @group Errno */
export const ECONNABORTED = 253;
/** @group Errno */
export const ECONNRESET = 254;
/** @group Errno */
export const ENOBUFS = 255;
/** @group Errno */
export const EISCONN = 256;
/** @group Errno */
export const ENOTCONN = 257;
/** @group Errno */
export const ESHUTDOWN = 258;
/** @group Errno */
export const ETOOMANYREFS = 259;
/** @group Errno */
export const ETIMEDOUT = 260;
/** @group Errno */
export const ECONNREFUSED = 261;
/** @group Errno */
export const EHOSTDOWN = 264;
/** @group Errno */
export const EHOSTUNREACH = 265;
/** @group Errno */
export const EBADRPC = 272;
/** @group Errno */
export const ERPCMISMATCH = 273;
/** @group Errno */
export const EPROGUNAVAIL = 274;
/** @group Errno */
export const EPROGMISMATCH = 275;
/** @group Errno */
export const EPROCUNAVAIL = 276;
/** @group Errno */
export const ENOREMOTE = 300;
/** @group Errno */
export const ENONDP = 301;
/** @group Errno */
export const EBADFSYS = 302;
/** @group Errno */
export const EMORE = 309;
/** @group Errno */
export const ECTRLTERM = 310;
/** @group Errno */
export const ENOLIC = 311;
/** @group Errno */
export const ESRVRFAULT = 312;
/** @group Errno */
export const EENDIAN = 313;
/** @group Errno */
export const ESECTYPEINVAL = 314;
/** Same as EAGAIN on QNX. @group Errno */
export const EWOULDBLOCK = 11;
