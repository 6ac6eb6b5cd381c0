// dicom.h on GDCM 3.0 (libgdcm-dev): the only C++ file of medchaos. Why GDCM
// and not DCMTK, and what each function does to a data set: docs/FORMAT.md
// §DICOM. Every entry point catches every exception (GDCM throws on some
// malformed input, std::bad_alloc on any) and turns it into an mc_err; GDCM's
// own messages are silenced, so that only src/cli talks to the user.
extern "C" {
#include "dicom/dicom.h"
}

#include <csetjmp>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gdcmAnonymizer.h>
#include <gdcmDataSet.h>
#include <gdcmFile.h>
#include <gdcmGlobal.h>
#include <gdcmDicts.h>
#include <gdcmImage.h>
#include <gdcmImageChangeTransferSyntax.h>
#include <gdcmImageReader.h>
#include <gdcmImageWriter.h>
#include <gdcmReader.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmTrace.h>
#include <gdcmWriter.h>

struct dcm_file {
    // Decompressed when the input was compressed, and without its pixel data,
    // which lives in pixels: the file is the header dcm_header_bytes seals.
    gdcm::SmartPointer<gdcm::File> file;
    std::vector<char> pixels;
    dcm_info info;
};

namespace {

const gdcm::Tag kPixelData(0x7fe0, 0x0010);
const uint16_t kPrivateGroup = 0x0009;
const char kCreator[] = "MEDCHAOS 1";
// PS3.5 §6.2: the largest images we decode; the image layer has its own limits.
const size_t kMaxPixelBytes = (size_t)1 << 31;

gdcm::VR vr_of(const gdcm::DataElement &de);

void quiet()
{
    static std::once_flag once;
    std::call_once(once, [] {
        gdcm::Trace::SetDebug(false);
        gdcm::Trace::SetWarning(false);
        gdcm::Trace::SetError(false);
    });
}

// GDCM holds the values of a big-endian file in little-endian order and swaps
// them back when it writes (gdcm::SwapperDoOp), so in memory every US, UL and
// OW value is little-endian whatever the transfer syntax.
bool big_endian(const gdcm::File &)
{
    return false;
}

// A US or UL value in the data set's byte order (PS3.5 §7.3); -1 when absent.
long get_uint(const gdcm::DataSet &ds, const gdcm::Tag &t, bool be)
{
    if (!ds.FindDataElement(t)) return -1;
    const gdcm::ByteValue *bv = ds.GetDataElement(t).GetByteValue();
    if (!bv || (bv->GetLength() != 2 && bv->GetLength() != 4)) return -1;
    const unsigned char *p = (const unsigned char *)bv->GetPointer();
    unsigned long v = 0;
    unsigned n = bv->GetLength();
    for (unsigned i = 0; i < n; i++) v |= (unsigned long)p[be ? n - 1 - i : i] << (8 * i);
    return (long)v;
}

void put_uint(gdcm::DataSet &ds, const gdcm::Tag &t, const gdcm::VR &vr, unsigned long v, bool be)
{
    unsigned n = vr == gdcm::VR::UL ? 4 : 2;
    char b[4];
    for (unsigned i = 0; i < n; i++) b[be ? n - 1 - i : i] = (char)(v >> (8 * i));
    gdcm::DataElement de(t);
    de.SetVR(vr);
    de.SetByteValue(b, n);
    ds.Replace(de);
}

// Strings are padded to even length: UI with NUL, the others with a space (PS3.5 §6.2).
void put_string(gdcm::DataSet &ds, const gdcm::Tag &t, const gdcm::VR &vr, const std::string &s)
{
    std::string v = s;
    if (v.size() % 2) v += vr == gdcm::VR::UI ? '\0' : ' ';
    gdcm::DataElement de(t);
    de.SetVR(vr);
    de.SetByteValue(v.data(), (uint32_t)v.size());
    ds.Replace(de);
}

std::string get_string(const gdcm::DataSet &ds, const gdcm::Tag &t)
{
    if (!ds.FindDataElement(t)) return "";
    const gdcm::ByteValue *bv = ds.GetDataElement(t).GetByteValue();
    if (!bv) return "";
    std::string s(bv->GetPointer(), bv->GetLength());
    size_t e = s.find_last_not_of(std::string(" \0", 2));
    s = e == std::string::npos ? "" : s.substr(0, e + 1);
    size_t b = s.find_first_not_of(' ');
    return b == std::string::npos ? "" : s.substr(b);
}

mc_err to_bytes(const std::string &s, uint8_t **out, size_t *n)
{
    *out = (uint8_t *)malloc(s.size() ? s.size() : 1);
    if (!*out) return mc_fail(MC_E_NOMEM, "out of memory");
    memcpy(*out, s.data(), s.size());
    *n = s.size();
    return MC_OK;
}

bool read_stream(gdcm::Reader &r, const uint8_t *buf, size_t n, std::istringstream &is)
{
    is.str(std::string((const char *)buf, n));
    r.SetStream(is);
    return r.Read();
}

// f must be owned by a SmartPointer: gdcm::Writer keeps one to it.
std::string write_file(const gdcm::File &f, bool fill_meta)
{
    std::ostringstream os;
    gdcm::Writer w;
    w.SetStream(os);
    w.SetFile(f);
    w.SetCheckFileMetaInformation(fill_meta);
    if (!w.Write()) throw std::runtime_error("GDCM cannot write the data set");
    return os.str();
}

// The Image Pixel module as the header states it (used on sealed headers,
// which have no pixel data for GDCM's image reader to look at).
mc_err info_from_dataset(const gdcm::File &f, dcm_info *in)
{
    const gdcm::DataSet &ds = f.GetDataSet();
    bool be = big_endian(f);
    memset(in, 0, sizeof *in);
    long v[7];
    static const uint16_t el[7] = {0x0002, 0x0010, 0x0011, 0x0100, 0x0101, 0x0102, 0x0103};
    for (int i = 0; i < 7; i++)
        if ((v[i] = get_uint(ds, gdcm::Tag(0x0028, el[i]), be)) < 0)
            return mc_fail(MC_E_FORMAT, "DICOM header lacks (0028,%04X) of the Image Pixel module", el[i]);
    long planar = get_uint(ds, gdcm::Tag(0x0028, 0x0006), be);
    std::string frames = get_string(ds, gdcm::Tag(0x0028, 0x0008));
    in->samples = (uint8_t)v[0];
    in->rows = (uint32_t)v[1];
    in->cols = (uint32_t)v[2];
    in->bits_allocated = (uint8_t)v[3];
    in->bits_stored = (uint8_t)v[4];
    in->high_bit = (uint8_t)v[5];
    in->pixel_rep = (uint8_t)v[6];
    in->planar = planar > 0 ? 1 : 0;
    in->frames = frames.empty() ? 1 : (uint32_t)strtoul(frames.c_str(), NULL, 10);
    snprintf(in->photometric, sizeof in->photometric, "%s", get_string(ds, gdcm::Tag(0x0028, 0x0004)).c_str());
    snprintf(in->ts_uid, sizeof in->ts_uid, "%s", f.GetHeader().GetDataSetTransferSyntax().GetString());
    return MC_OK;
}

mc_err check_layout(const dcm_info *in)
{
    if (in->samples != 1 && in->samples != 3)
        return mc_fail(MC_E_UNSUPPORTED, "SamplesPerPixel %u (medchaos reads 1 or 3)", in->samples);
    if (in->bits_allocated != 8 && in->bits_allocated != 16)
        return mc_fail(MC_E_UNSUPPORTED, "BitsAllocated %u (medchaos reads 8 or 16)", in->bits_allocated);
    if (!in->bits_stored || in->bits_stored > in->bits_allocated || in->high_bit >= in->bits_allocated)
        return mc_fail(MC_E_FORMAT, "BitsStored %u / HighBit %u do not fit BitsAllocated %u", in->bits_stored,
                       in->high_bit, in->bits_allocated);
    if (!in->rows || !in->cols || !in->frames)
        return mc_fail(MC_E_FORMAT, "image of %u x %u pixels in %u frames", in->cols, in->rows, in->frames);
    if ((double)in->rows * in->cols * in->frames * in->samples * (in->bits_allocated / 8) > (double)kMaxPixelBytes)
        return mc_fail(MC_E_TOO_LARGE, "%u x %u pixels in %u frames is more than 2^31 bytes", in->cols, in->rows,
                       in->frames);
    return MC_OK;
}

size_t pixel_bytes(const dcm_info *in)
{
    return (size_t)in->rows * in->cols * in->frames * in->samples * (in->bits_allocated / 8);
}

// PS3.10 §7.1: (0002,0000) is the byte count of the rest of group 0002, each
// element written explicit VR little endian (PS3.5 §7.1.2: 12-byte headers
// for OB, OW, OF, SQ, UT, UN, UC, UR; 8 bytes otherwise).
void fix_group_length(gdcm::FileMetaInformation &meta)
{
    unsigned long n = 0;
    for (gdcm::DataSet::ConstIterator it = meta.Begin(); it != meta.End(); ++it) {
        if (it->GetTag().GetElement() == 0) continue;
        gdcm::VR vr = vr_of(*it);
        n += (vr & (gdcm::VR::OB | gdcm::VR::OW | gdcm::VR::OF | gdcm::VR::SQ | gdcm::VR::UT | gdcm::VR::UN |
                    gdcm::VR::UC | gdcm::VR::UR)) ? 12 : 8;
        n += it->GetVL();
    }
    if (meta.FindDataElement(gdcm::Tag(0x0002, 0x0000)))
        put_uint(meta, gdcm::Tag(0x0002, 0x0000), gdcm::VR::UL, n, false);
}

// A compressed file becomes an explicit VR little endian one with the same
// attributes: only the transfer syntax, the pixel data (decoded by GDCM's
// codecs through ImageChangeTransferSyntax) and, where the decoder changed
// them, PhotometricInterpretation and PlanarConfiguration differ.
mc_err decompress(gdcm::ImageReader &r, std::string *out)
{
    gdcm::ImageChangeTransferSyntax change;
    change.SetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
    change.SetInput(r.GetImage());
    if (!change.Change())
        return mc_fail(MC_E_UNSUPPORTED, "GDCM cannot decode transfer syntax %s",
                       r.GetFile().GetHeader().GetDataSetTransferSyntax().GetString());
    const gdcm::Image &im = change.GetOutput();
    gdcm::File &f = r.GetFile();
    gdcm::DataSet &ds = f.GetDataSet();
    gdcm::DataElement pd = im.GetDataElement();
    pd.SetTag(kPixelData);
    pd.SetVR(im.GetPixelFormat().GetBitsAllocated() > 8 ? gdcm::VR::OW : gdcm::VR::OB);
    ds.Replace(pd);
    put_string(ds, gdcm::Tag(0x0028, 0x0004), gdcm::VR::CS, im.GetPhotometricInterpretation().GetString());
    if (im.GetPixelFormat().GetSamplesPerPixel() == 3)
        put_uint(ds, gdcm::Tag(0x0028, 0x0006), gdcm::VR::US, im.GetPlanarConfiguration(), false);
    gdcm::FileMetaInformation &meta = f.GetHeader();
    meta.SetDataSetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
    put_string(meta, gdcm::Tag(0x0002, 0x0010), gdcm::VR::UI, gdcm::TransferSyntax::GetTSString(gdcm::TransferSyntax::ExplicitVRLittleEndian));
    fix_group_length(meta);
    *out = write_file(f, false);
    return MC_OK;
}

// The header of buf, up to its pixel data (whose value GDCM does not read).
mc_err read_up_to_pixels(const uint8_t *buf, size_t n, gdcm::SmartPointer<gdcm::File> *f)
{
    std::istringstream is;
    gdcm::Reader r;
    is.str(std::string((const char *)buf, n));
    r.SetStream(is);
    if (!r.ReadUpToTag(kPixelData))
        return mc_fail(MC_E_FORMAT, "GDCM cannot parse it as DICOM (truncated, or an element longer than the file)");
    *f = &r.GetFile();
    return MC_OK;
}

mc_err open_image(const uint8_t *buf, size_t n, dcm_file *f)
{
    if (mc_err e = dcm_check_lengths(buf, n)) return e;
    // The Image Pixel module is checked first from the header alone: Debian's
    // GDCM keeps its assert()s, and some that its image reader trips on
    // layouts we refuse anyway (32-bit RT dose) would abort the process.
    {
        gdcm::SmartPointer<gdcm::File> h;
        if (mc_err e = read_up_to_pixels(buf, n, &h)) return e;
        const gdcm::DataSet &ds = h->GetDataSet();
        dcm_info pre;
        mc_err e = info_from_dataset(*h, &pre);
        if (e && !ds.FindDataElement(gdcm::Tag(0x0028, 0x0010)))
            return mc_fail(MC_E_UNSUPPORTED, "no image: SOP class %s has no Image Pixel module",
                           get_string(ds, gdcm::Tag(0x0008, 0x0016)).c_str());
        if (!e) e = check_layout(&pre);
        if (e) return e;
    }
    std::istringstream is;
    gdcm::ImageReader r;
    if (!read_stream(r, buf, n, is)) {
        std::istringstream is2;
        gdcm::Reader plain;
        if (!read_stream(plain, buf, n, is2))
            return mc_fail(MC_E_FORMAT, "GDCM cannot parse it as DICOM (truncated, or an element longer than the file)");
        const gdcm::DataSet &ds = plain.GetFile().GetDataSet();
        if (!ds.FindDataElement(kPixelData))
            return mc_fail(MC_E_UNSUPPORTED, "no pixel data: SOP class %s is not an image",
                           get_string(ds, gdcm::Tag(0x0008, 0x0016)).c_str());
        return mc_fail(MC_E_UNSUPPORTED, "GDCM cannot read its image (transfer syntax %s, or an unusual pixel layout)",
                       plain.GetFile().GetHeader().GetDataSetTransferSyntax().GetString());
    }
    const gdcm::Image &im = r.GetImage();
    dcm_info *in = &f->info;
    memset(in, 0, sizeof *in);
    const gdcm::PixelFormat &pf = im.GetPixelFormat();
    in->cols = im.GetDimension(0);
    in->rows = im.GetDimension(1);
    in->frames = im.GetNumberOfDimensions() > 2 ? im.GetDimension(2) : 1;
    in->samples = (uint8_t)pf.GetSamplesPerPixel();
    in->bits_allocated = (uint8_t)pf.GetBitsAllocated();
    in->bits_stored = (uint8_t)pf.GetBitsStored();
    in->high_bit = (uint8_t)pf.GetHighBit();
    in->pixel_rep = (uint8_t)pf.GetPixelRepresentation();
    snprintf(in->ts_uid, sizeof in->ts_uid, "%s", r.GetFile().GetHeader().GetDataSetTransferSyntax().GetString());
    mc_err e = check_layout(in);
    if (e) return e;
    const gdcm::TransferSyntax &ts = r.GetFile().GetHeader().GetDataSetTransferSyntax();
    if (ts.IsEncapsulated()) {
        std::string raw;
        if ((e = decompress(r, &raw))) return e;
        char ts_uid[sizeof in->ts_uid];
        memcpy(ts_uid, in->ts_uid, sizeof ts_uid);
        e = open_image((const uint8_t *)raw.data(), raw.size(), f);
        memcpy(f->info.ts_uid, ts_uid, sizeof ts_uid);
        f->info.compressed = 1;
        return e;
    }
    in->planar = (uint8_t)(im.GetPlanarConfiguration() ? 1 : 0);
    snprintf(in->photometric, sizeof in->photometric, "%s",
             get_string(r.GetFile().GetDataSet(), gdcm::Tag(0x0028, 0x0004)).c_str());
    // Native pixel data shorter than the header's geometry: GDCM would read past
    // it (uncompressed YBR_FULL_422 keeps 2 samples a pixel, PS3.3 C.7.6.3.1.2).
    const gdcm::ByteValue *bv = im.GetDataElement().GetByteValue();
    if (!bv || bv->GetLength() < pixel_bytes(in)) {
        if (!strncmp(in->photometric, "YBR_", 4) && strstr(in->photometric, "_422"))
            return mc_fail(MC_E_UNSUPPORTED, "uncompressed %s (subsampled chroma) is not supported", in->photometric);
        return mc_fail(MC_E_TRUNCATED, "pixel data of %lu bytes, the header announces %zu",
                       bv ? (unsigned long)bv->GetLength() : 0ul, pixel_bytes(in));
    }
    // Native pixel data is taken as GDCM holds it, not through GetBuffer(),
    // which may clear bits above HighBit: every stored bit is kept. What
    // follows the pixels in the element (padding beyond the even-length byte,
    // PS3.5 §8.1.1) stays in the header and comes back in both files.
    // The kept part starts at an even offset, so that it is itself of even
    // length (PS3.5 §7.1.1): with an odd pixel count it repeats the last
    // pixel byte, which only the sealed header holds (dcm_compose).
    size_t np = pixel_bytes(in), start = np & ~(size_t)1;
    f->pixels.assign(bv->GetPointer(), bv->GetPointer() + np);
    f->file = &r.GetFile();
    gdcm::DataElement pd = f->file->GetDataSet().GetDataElement(kPixelData);
    pd.SetByteValue(bv->GetPointer() + start, (uint32_t)(bv->GetLength() - start));
    f->file->GetDataSet().Replace(pd);
    // GDCM accepts a file that ends inside its pixel data and fills the rest
    // (pydicom's MR_truncated.dcm). A Part 10 file with a preamble that GDCM
    // writes back byte for byte is at least as long as its header and pixels.
    const gdcm::TransferSyntax &nts = f->file->GetHeader().GetDataSetTransferSyntax();
    if (n >= 132 && !memcmp(buf + 128, "DICM", 4) && nts != gdcm::TransferSyntax::DeflatedExplicitVRLittleEndian) {
        size_t hl = write_file(*f->file, false).size() - (bv->GetLength() - start);
        if (hl + bv->GetLength() > n)
            return mc_fail(MC_E_TRUNCATED, "the file ends %zu bytes inside its pixel data", hl + bv->GetLength() - n);
    }
    return MC_OK;
}

mc_err open_header(const uint8_t *buf, size_t n, dcm_file *f)
{
    if (mc_err e = dcm_check_lengths(buf, n)) return e;
    if (mc_err e = read_up_to_pixels(buf, n, &f->file)) return e;
    memset(&f->info, 0, sizeof f->info);
    snprintf(f->info.ts_uid, sizeof f->info.ts_uid, "%s", f->file->GetHeader().GetDataSetTransferSyntax().GetString());
    return MC_OK;
}

// The private block of group 0009 reserved by our creator, or 0 (PS3.5 §7.8.1).
uint16_t find_block(const gdcm::DataSet &ds, bool want_free)
{
    for (uint16_t b = 0x10; b <= 0xff; b++) {
        gdcm::Tag t(kPrivateGroup, b);
        if (!ds.FindDataElement(t)) {
            if (want_free) return b;
            continue;
        }
        if (!want_free && get_string(ds, t) == kCreator) return b;
    }
    return 0;
}

std::set<gdcm::Tag> annex_e_tags()
{
    std::vector<gdcm::Tag> v = gdcm::Anonymizer::GetBasicApplicationLevelConfidentialityProfileAttributes();
    return std::set<gdcm::Tag>(v.begin(), v.end());
}

// An element's VR: its own in explicit VR files, the dictionary's otherwise.
gdcm::VR vr_of(const gdcm::DataElement &de)
{
    gdcm::VR vr = de.GetVR();
    if (vr != gdcm::VR::INVALID && vr != gdcm::VR::UN) return vr;
    return gdcm::Global::GetInstance().GetDicts().GetDictEntry(de.GetTag()).GetVR();
}

// PS3.15 Annex E, Basic Profile, in its simplest conforming actions: UIDs are
// replaced (U), every other listed attribute is emptied (Z, a zero-length
// value) at the top level and removed (X) inside sequence items, private
// attributes are removed (X). GDCM's list
// is the profile's table of 2008, without the dates and times the later table
// E.1-1 adds, so every DA, DT and TM is emptied too (the profile without its
// Retain Longitudinal Temporal Information option, PS3.15 E.3.6).
void deidentify(gdcm::DataSet &ds, const std::set<gdcm::Tag> &tags, const dcm_cipher_edits *ed, bool nested)
{
    std::vector<gdcm::DataElement> out;
    for (gdcm::DataSet::ConstIterator it = ds.Begin(); it != ds.End(); ++it) {
        gdcm::DataElement de = *it;
        const gdcm::Tag &t = de.GetTag();
        if (t.IsPrivate()) continue;
        // Other Patient IDs Sequence: X in table E.1-1, and its items hold
        // Type 1 IDs that an emptied copy would break.
        if (t == gdcm::Tag(0x0010, 0x1002)) continue;
        gdcm::SmartPointer<gdcm::SequenceOfItems> sq = de.GetValueAsSQ();
        gdcm::VR vr = vr_of(de);
        bool temporal = vr == gdcm::VR::DA || vr == gdcm::VR::DT || vr == gdcm::VR::TM;
        if ((tags.count(t) || temporal) && vr != gdcm::VR::SQ && !(sq && sq->GetNumberOfItems())) {
            std::string old = get_string(ds, t);
            if (vr == gdcm::VR::UI && !old.empty()) {
                char nu[65];
                ed->new_uid(ed->uid_ctx, old.c_str(), nu);
                std::string v = nu;
                if (v.size() % 2) v += '\0';
                de.SetByteValue(v.data(), (uint32_t)v.size());
            } else if (nested) {
                continue;   // X inside items: an emptied Type 1 attribute there is invalid
            } else {
                de.SetByteValue("", 0);
            }
        } else if (sq && sq->GetNumberOfItems()) {
            // Lengths change, so the sequence and its items get undefined
            // lengths (PS3.5 §7.5.1); a listed sequence is emptied (Z).
            gdcm::SmartPointer<gdcm::SequenceOfItems> nsq = new gdcm::SequenceOfItems;
            if (!tags.count(t))
                for (gdcm::SequenceOfItems::SizeType i = 1; i <= sq->GetNumberOfItems(); i++) {
                    gdcm::Item item = sq->GetItem(i);
                    deidentify(item.GetNestedDataSet(), tags, ed, true);
                    item.SetVLToUndefined();
                    nsq->AddItem(item);
                }
            nsq->SetLengthToUndefined();
            de.SetVR(gdcm::VR::SQ);
            de.SetValue(*nsq);
            de.SetVLToUndefined();
        }
        out.push_back(de);
    }
    ds.Clear();
    for (const gdcm::DataElement &de : out) ds.Insert(de);
}

void cipher_edits(gdcm::File &f, const dcm_info &in, const dcm_cipher_edits *ed)
{
    gdcm::DataSet &ds = f.GetDataSet();
    bool be = big_endian(f);
    if (ed->deidentify) {
        deidentify(ds, annex_e_tags(), ed, false);
        put_string(ds, gdcm::Tag(0x0012, 0x0062), gdcm::VR::CS, "YES");
        put_string(ds, gdcm::Tag(0x0012, 0x0063), gdcm::VR::LO, "PS3.15 E.1 Basic Profile (medchaos)");
    }
    // The cipher's samples use every bit and have no sign, palette or colour space.
    put_uint(ds, gdcm::Tag(0x0028, 0x0101), gdcm::VR::US, in.bits_allocated, be);
    put_uint(ds, gdcm::Tag(0x0028, 0x0102), gdcm::VR::US, in.bits_allocated - 1u, be);
    put_uint(ds, gdcm::Tag(0x0028, 0x0103), gdcm::VR::US, 0, be);
    put_string(ds, gdcm::Tag(0x0028, 0x0004), gdcm::VR::CS, in.samples == 3 ? "RGB" : "MONOCHROME2");
    if (in.samples == 3) put_uint(ds, gdcm::Tag(0x0028, 0x0006), gdcm::VR::US, 0, be);
    static const uint16_t palette[] = {0x1101, 0x1102, 0x1103, 0x1199, 0x1201, 0x1202, 0x1203, 0x1221, 0x1222, 0x1223};
    for (uint16_t el : palette) ds.Remove(gdcm::Tag(0x0028, el));
    put_string(ds, gdcm::Tag(0x0008, 0x0018), gdcm::VR::UI, ed->sop_uid);
    gdcm::DataSet &meta = f.GetHeader();
    if (meta.FindDataElement(gdcm::Tag(0x0002, 0x0003)))
        put_string(meta, gdcm::Tag(0x0002, 0x0003), gdcm::VR::UI, ed->sop_uid);
    if (!ed->envelope) return;
    uint16_t b = find_block(ds, true);
    if (!b) throw std::runtime_error("no free private block in group 0009 for the envelope");
    put_string(ds, gdcm::Tag(kPrivateGroup, b), gdcm::VR::LO, kCreator);
    gdcm::DataElement env(gdcm::Tag(kPrivateGroup, (uint16_t)(b << 8 | 0x01)));
    env.SetVR(gdcm::VR::OB);
    std::string v((const char *)ed->envelope, ed->envelope_len);
    if (v.size() % 2) v += '\0';
    env.SetByteValue(v.data(), (uint32_t)v.size());
    ds.Replace(env);
    put_uint(ds, gdcm::Tag(kPrivateGroup, (uint16_t)(b << 8 | 0x02)), gdcm::VR::UL, ed->envelope_len, be);
}

mc_err read_header(const uint8_t *buf, size_t n, gdcm::SmartPointer<gdcm::File> *f)
{
    std::istringstream is;
    gdcm::Reader r;
    if (!read_stream(r, buf, n, is)) return mc_fail(MC_E_FORMAT, "sealed DICOM header cannot be parsed");
    *f = &r.GetFile();
    return MC_OK;
}

}  // namespace

// Debian builds GDCM with assert() on, and its parser asserts on some
// malformed input (fuzz/fuzz_dicom.c finds them): abort() would end the whole
// batch. The last line of defence is a SIGABRT handler that, while this
// thread is inside guard(), jumps back to it (glibc releases abort()'s lock
// before raising the signal); the objects GDCM was building are leaked, and
// glibc has already printed the assertion to stderr. Outside guard() the
// previous disposition is restored and the signal raised again.
thread_local sigjmp_buf *abort_jump = nullptr;
struct sigaction previous_abort;

extern "C" void on_abort(int sig)
{
    if (sigjmp_buf *j = abort_jump) {
        abort_jump = nullptr;
        siglongjmp(*j, 1);
    }
    sigaction(SIGABRT, &previous_abort, nullptr);
    raise(sig);
}

void install_abort_handler()
{
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_abort;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGABRT, &sa, &previous_abort);
    });
}

// Runs body with every exception (and every GDCM assertion) turned into an mc_err.
template <class F> mc_err guard(F body)
{
    quiet();
    install_abort_handler();
    sigjmp_buf jump, *outer = abort_jump;
    if (sigsetjmp(jump, 1)) {
        abort_jump = outer;
        return mc_fail(MC_E_FORMAT, "GDCM stopped on an internal check (assertion) while reading the file");
    }
    abort_jump = &jump;
    mc_err e;
    try {
        e = body();
    } catch (const std::bad_alloc &) {
        e = mc_fail(MC_E_NOMEM, "out of memory");
    } catch (const std::exception &x) {
        e = mc_fail(MC_E_FORMAT, "GDCM: %s", x.what());
    } catch (...) {
        e = mc_fail(MC_E_FORMAT, "GDCM failed on this file");
    }
    abort_jump = outer;
    return e;
}

extern "C" mc_err dcm_open_mem(const uint8_t *buf, size_t n, int pixels, dcm_file **out)
{
    *out = NULL;
    dcm_file *f = NULL;
    return guard([&]() -> mc_err {
        f = new dcm_file();
        mc_err e = pixels ? open_image(buf, n, f) : open_header(buf, n, f);
        if (e) {
            delete f;
            return e;
        }
        *out = f;
        return MC_OK;
    });
}

extern "C" void dcm_close(dcm_file *f)
{
    delete f;
}

extern "C" const dcm_info *dcm_get_info(const dcm_file *f)
{
    return &f->info;
}

extern "C" const uint8_t *dcm_pixels(const dcm_file *f, size_t *n)
{
    *n = f->pixels.size();
    return (const uint8_t *)f->pixels.data();
}

extern "C" int dcm_get_string(const dcm_file *f, uint16_t group, uint16_t element, char *buf, size_t cap)
{
    try {
        gdcm::Tag t(group, element);
        const gdcm::DataSet &ds = f->file->GetDataSet();
        if (!ds.FindDataElement(t)) return 0;
        if (ds.GetDataElement(t).GetVR() == gdcm::VR::SQ) return -1;
        std::string s = get_string(ds, t);
        if (s.size() + 1 > cap) return -1;
        memcpy(buf, s.c_str(), s.size() + 1);
        return s.empty() ? 0 : 1;
    } catch (...) {
        return -1;
    }
}

extern "C" mc_err dcm_get_envelope(const dcm_file *f, uint8_t **buf, size_t *n)
{
    *buf = NULL;
    *n = 0;
    return guard([&]() -> mc_err {
        const gdcm::DataSet &ds = f->file->GetDataSet();
        uint16_t b = find_block(ds, false);
        if (!b) return mc_fail(MC_E_NOMETA, "no medchaos envelope inside the DICOM file");
        gdcm::Tag te(kPrivateGroup, (uint16_t)(b << 8 | 0x01));
        long len = get_uint(ds, gdcm::Tag(kPrivateGroup, (uint16_t)(b << 8 | 0x02)), big_endian(*f->file));
        const gdcm::ByteValue *bv = ds.FindDataElement(te) ? ds.GetDataElement(te).GetByteValue() : NULL;
        if (!bv || len < 0 || (unsigned long)len > bv->GetLength() || bv->GetLength() - len > 1)
            return mc_fail(MC_E_FORMAT, "the medchaos private block (0009,%02X..) is damaged", b);
        return to_bytes(std::string(bv->GetPointer(), (size_t)len), buf, n);
    });
}

extern "C" mc_err dcm_header_bytes(const dcm_file *f, uint8_t **buf, size_t *n)
{
    *buf = NULL;
    return guard([&]() -> mc_err {
        return to_bytes(write_file(*f->file, false), buf, n);
    });
}

extern "C" mc_err dcm_header_info(const uint8_t *header, size_t header_len, dcm_info *info)
{
    return guard([&]() -> mc_err {
        gdcm::SmartPointer<gdcm::File> f;
        mc_err e = read_header(header, header_len, &f);
        if (!e) e = info_from_dataset(*f, info);
        if (!e) e = check_layout(info);
        return e;
    });
}

extern "C" mc_err dcm_compose(const uint8_t *header, size_t header_len, const uint8_t *pixels, size_t npixels,
                              const dcm_cipher_edits *edits, uint8_t **out, size_t *outlen)
{
    *out = NULL;
    return guard([&]() -> mc_err {
        gdcm::SmartPointer<gdcm::File> fp;
        dcm_info in;
        mc_err e = read_header(header, header_len, &fp);
        if (e) return e;
        gdcm::File &f = *fp;
        e = info_from_dataset(f, &in);
        if (!e) e = check_layout(&in);
        if (e) return e;
        if (npixels != pixel_bytes(&in))
            return mc_fail(MC_E_MISMATCH, "%zu bytes of pixels for a header announcing %zu", npixels, pixel_bytes(&in));
        // The pixels, then what the sealed element kept (its padding), under
        // the element's own VR; a header without one gets OB or OW (PS3.5 §8.2).
        // The kept part begins at the even offset below npixels (open_image):
        // the restored file takes it whole, the cipher only past its pixels.
        std::string v((const char *)pixels, npixels);
        gdcm::DataElement pd(kPixelData);
        pd.SetVR(in.bits_allocated == 8 ? gdcm::VR::OB : gdcm::VR::OW);
        if (f.GetDataSet().FindDataElement(kPixelData)) {
            pd = f.GetDataSet().GetDataElement(kPixelData);
            const gdcm::ByteValue *tail = pd.GetByteValue();
            size_t start = npixels & ~(size_t)1, skip = edits ? npixels - start : 0;
            if (!edits) v.resize(start);
            if (tail && tail->GetLength() > skip) v.append(tail->GetPointer() + skip, tail->GetLength() - skip);
        }
        if (v.size() % 2) v += '\0';
        pd.SetByteValue(v.data(), (uint32_t)v.size());
        f.GetDataSet().Replace(pd);
        if (edits) cipher_edits(f, in, edits);
        return to_bytes(write_file(f, edits != NULL), out, outlen);
    });
}
