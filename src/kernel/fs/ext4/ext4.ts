// The ext4 on-disk format's constants (Linux's fs/ext4/ext4.h): the magic,
// the feature bits of the three sets, inode flags, and the little-endian
// field readers every other file of fs/ext4 uses.

export const EXT4_SUPER_MAGIC = 0xef53;
/** The superblock sits 1024 bytes into the device, whatever the block size. */
export const SUPERBLOCK_OFFSET = 1024;
export const EXT4_GOOD_OLD_INODE_SIZE = 128;
export const EXT4_GOOD_OLD_FIRST_INO = 11;
export const EXT4_ROOT_INO = 2;
export const EXT4_MIN_BLOCK_LOG_SIZE = 10;
export const EXT4_MAX_BLOCK_LOG_SIZE = 16;
export const EXT4_MIN_DESC_SIZE = 32;
export const EXT4_MIN_DESC_SIZE_64BIT = 64;
export const EXT4_MAX_DESC_SIZE = 1024;
/** s_checksum_type: the only one there is. */
export const EXT4_CRC32C_CHKSUM = 1;

// s_feature_compat
export const COMPAT_DIR_PREALLOC = 0x1,
  COMPAT_IMAGIC_INODES = 0x2,
  COMPAT_HAS_JOURNAL = 0x4,
  COMPAT_EXT_ATTR = 0x8,
  COMPAT_RESIZE_INODE = 0x10,
  COMPAT_DIR_INDEX = 0x20,
  COMPAT_SPARSE_SUPER2 = 0x200,
  COMPAT_FAST_COMMIT = 0x400,
  COMPAT_STABLE_INODES = 0x800,
  COMPAT_ORPHAN_FILE = 0x1000;

// s_feature_ro_compat
export const RO_COMPAT_SPARSE_SUPER = 0x1,
  RO_COMPAT_LARGE_FILE = 0x2,
  RO_COMPAT_BTREE_DIR = 0x4,
  RO_COMPAT_HUGE_FILE = 0x8,
  RO_COMPAT_GDT_CSUM = 0x10,
  RO_COMPAT_DIR_NLINK = 0x20,
  RO_COMPAT_EXTRA_ISIZE = 0x40,
  RO_COMPAT_QUOTA = 0x100,
  RO_COMPAT_BIGALLOC = 0x200,
  RO_COMPAT_METADATA_CSUM = 0x400,
  RO_COMPAT_READONLY = 0x1000,
  RO_COMPAT_PROJECT = 0x2000,
  RO_COMPAT_VERITY = 0x8000,
  RO_COMPAT_ORPHAN_PRESENT = 0x10000;

// s_feature_incompat
export const INCOMPAT_COMPRESSION = 0x1,
  INCOMPAT_FILETYPE = 0x2,
  INCOMPAT_RECOVER = 0x4,
  INCOMPAT_JOURNAL_DEV = 0x8,
  INCOMPAT_META_BG = 0x10,
  INCOMPAT_EXTENTS = 0x40,
  INCOMPAT_64BIT = 0x80,
  INCOMPAT_MMP = 0x100,
  INCOMPAT_FLEX_BG = 0x200,
  INCOMPAT_EA_INODE = 0x400,
  INCOMPAT_DIRDATA = 0x1000,
  INCOMPAT_CSUM_SEED = 0x2000,
  INCOMPAT_LARGEDIR = 0x4000,
  INCOMPAT_INLINE_DATA = 0x8000,
  INCOMPAT_ENCRYPT = 0x10000,
  INCOMPAT_CASEFOLD = 0x20000;

/**
 * What this kernel's ext4 implements (EXT4_FEATURE_INCOMPAT_SUPP and
 * _RO_COMPAT_SUPP, cut down to the code that exists here): a feature outside
 * these sets is refused with Linux's message, exactly as a kernel that
 * lacks it would. Journal recovery (RECOVER) is not among them yet: an image
 * that needs it is refused rather than read without its last transactions.
 */
export const INCOMPAT_SUPP =
  INCOMPAT_FILETYPE | INCOMPAT_META_BG | INCOMPAT_EXTENTS | INCOMPAT_64BIT | INCOMPAT_FLEX_BG | INCOMPAT_CSUM_SEED | INCOMPAT_LARGEDIR;
export const RO_COMPAT_SUPP =
  RO_COMPAT_SPARSE_SUPER |
  RO_COMPAT_LARGE_FILE |
  RO_COMPAT_BTREE_DIR |
  RO_COMPAT_HUGE_FILE |
  RO_COMPAT_GDT_CSUM |
  RO_COMPAT_DIR_NLINK |
  RO_COMPAT_EXTRA_ISIZE |
  RO_COMPAT_METADATA_CSUM |
  RO_COMPAT_ORPHAN_PRESENT;
/** ext2 and ext3 mounts accept only what those drivers knew (ext2_feature_set_ok / ext3_feature_set_ok). */
export const EXT2_INCOMPAT_SUPP = INCOMPAT_FILETYPE | INCOMPAT_META_BG;
export const EXT2_RO_COMPAT_SUPP = RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE | RO_COMPAT_BTREE_DIR;
export const EXT3_INCOMPAT_SUPP = EXT2_INCOMPAT_SUPP | INCOMPAT_RECOVER;

// i_flags
export const EXT4_INDEX_FL = 0x1000,
  EXT4_TOPDIR_FL = 0x20000,
  EXT4_HUGE_FILE_FL = 0x40000,
  EXT4_EXTENTS_FL = 0x80000,
  EXT4_EA_INODE_FL = 0x200000,
  EXT4_INLINE_DATA_FL = 0x10000000;

export const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
export const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
export const s32 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);

export const w16 = (b: Uint8Array, o: number, v: number): void => {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
};
export const w32 = (b: Uint8Array, o: number, v: number): void => {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
};
/** The high 32 bits of a block number or count (which stays below 2^53). */
export const hi32 = (v: number): number => Math.floor(v / 2 ** 32) >>> 0;

/** s_state */
export const EXT4_VALID_FS = 0x1,
  EXT4_ERROR_FS = 0x2;
