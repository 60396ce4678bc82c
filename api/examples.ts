/**
 * The examples the OpenAPI document shows, as one coherent walk through the 2024 Bắc Giang campaign (Kế hoạch
 * 202-KH/BDVTU, bundled `bac-giang` tree): each request follows from the ones before it, so a reader can replay
 * them in order, and the test suite does exactly that. Issuing has a second example beside the walk-through: a
 * district's plan made from a shipped template.
 */
export const EXAMPLE_CAMPAIGN_ID = 'BG-2024-202-KH-BDVTU';
/** Thị trấn Thắng, Hiệp Hòa: the commune of the walk-through, and one of its chi bộ. */
export const EXAMPLE_COMMUNE = 'BG-HH-THANG';
export const EXAMPLE_PARTY_CELL = 'BG-HH-THANG-CB01';

export const EXAMPLE_PLAN = {
  number: '202-KH/BDVTU',
  issuer: { unitCode: 'BG', name: 'Ban Dân vận Tỉnh ủy Bắc Giang' },
  issuedOn: '2024-09-06',
  year: 2024,
  title: 'Triển khai các hoạt động "Tháng Dân vận" năm 2024',
  window: { opensOn: '2024-10-01', closesOn: '2024-10-31' },
  tasks: [
    { ordinal: 1, title: '100% chi bộ sinh hoạt chuyên đề bài báo "Dân vận" của Chủ tịch Hồ Chí Minh', actorGroups: ['party-committees'] },
    { ordinal: 2, title: 'Cấp ủy, chính quyền cấp xã tổ chức hội nghị đối thoại với Nhân dân', actorGroups: ['party-committees', 'state-agencies'] },
  ],
};

/**
 * Kế hoạch 205-KH/BDVQU of Ban Dân vận Quận ủy Hai Bà Trưng: the year-long "Dân vận khéo" emulation from its
 * shipped template, the commission giving only what is its own, issued to the district and two of its wards.
 */
export const EXAMPLE_TEMPLATE_ISSUE = {
  template: 'dan-van-kheo',
  plan: { number: '205-KH/BDVQU', issuer: { unitCode: 'HN-HBT', name: 'Ban Dân vận Quận ủy Hai Bà Trưng' }, issuedOn: '2026-01-05', year: 2026 },
  tree: [
    { code: 'HN-HBT', name: 'Quận Hai Bà Trưng', kind: 'district' },
    { code: 'HN-HBT-BACHKHOA', name: 'Phường Bách Khoa', kind: 'commune', parent: 'HN-HBT' },
    { code: 'HN-HBT-BACHKHOA-CB01', name: 'Chi bộ Tổ dân phố số 1', kind: 'party-cell', parent: 'HN-HBT-BACHKHOA' },
    { code: 'HN-HBT-THANHNHAN', name: 'Phường Thanh Nhàn', kind: 'commune', parent: 'HN-HBT' },
    { code: 'HN-HBT-THANHNHAN-CB01', name: 'Chi bộ Tổ dân phố số 1', kind: 'party-cell', parent: 'HN-HBT-THANHNHAN' },
  ],
};

/** Request bodies, in the order of the walk-through; a route with several examples takes them in turn. */
export const EXAMPLES = {
  issue: [{ plan: EXAMPLE_PLAN, tree: { sample: 'bac-giang' } }, EXAMPLE_TEMPLATE_ISSUE],
  deploy: [{ reason: 'Triển khai Kế hoạch 202-KH/BDVTU đến các huyện, xã, thị trấn' }],
  studySession: [{ heldOn: '2024-10-09', membersPresent: 14, membersTotal: 15 }],
  dialogue: [{ heldOn: '2024-10-12', topic: 'Đối thoại về giải phóng mặt bằng và vệ sinh môi trường', attendance: 157 }],
  // The figures of a real six-month report: "Tổ chức 14 cuộc kiểm tra, giám sát đối với 18 tổ chức đảng và 11 đảng viên".
  activity: [{ activity: 'inspection-supervision', heldOn: '2024-10-10', measures: { count: 14, partyOrganisations: 18, partyMembers: 11 } }],
  petition: [{ kind: 'kien-nghi', content: 'Đề nghị sửa chữa đường liên thôn Tổ dân phố số 1', receivedOn: '2024-10-12' }],
  petitionResolution: [{ resolvedOn: '2024-10-14', outcome: 'Đã đưa vào kế hoạch sửa chữa năm 2025' }],
  model: [{ name: 'Dân vận khéo trong xây dựng đô thị văn minh', field: 'culture-society', registeredOn: '2024-10-02' }],
  extension: [{ to: '2024-11-10', reason: 'Mưa lũ sau bão số 3, các xã đề nghị lùi thời gian đối thoại' }],
  phase: [
    { to: 'assessment', reason: 'Kết thúc thời gian báo cáo; Hội đồng thẩm định mô hình "Dân vận khéo"' },
    { to: 'commendation', reason: 'Hoàn thành thẩm định; xét khen thưởng' },
    { to: 'closed', reason: 'Tổng kết "Tháng Dân vận" năm 2024' },
  ],
  assessment: [
    { action: 'assess', score: 88, remarks: 'Mô hình có hiệu quả thiết thực, được Nhân dân đồng tình' },
    { action: 'recognize', remarks: 'Công nhận mô hình "Dân vận khéo" cấp tỉnh năm 2024' },
  ],
  commendation: [
    { action: 'commend', form: 'giay-khen', awardedBy: 'Ban Dân vận Tỉnh ủy' },
    { action: 'propose-upward', remarks: 'Đề nghị Ban Dân vận Trung ương biểu dương' },
  ],
  award: [
    {
      recipient: { kind: 'collective', name: 'Ban Dân vận Huyện ủy Hiệp Hòa' },
      form: 'bang-khen',
      awardedBy: 'Ban Thường vụ Tỉnh ủy Bắc Giang',
      awardedOn: '2024-10-14',
      reason: 'Có thành tích xuất sắc trong "Tháng Dân vận" năm 2024',
    },
  ],
};

/**
 * The yearly kick-off of Ban Dân vận Tỉnh ủy Bắc Giang (its own walk-through, test/integration/yearly-schedule.test.ts):
 * next year's "Tháng Dân vận" plan drafted on 01/9, thirty days before the window opens, then numbered and issued to
 * the bundled tree. A schedule's or a draft's path parameters are the ids this makes.
 */
export const KICK_OFF_EXAMPLES = {
  schedule: [{ template: 'thang-dan-van', issuer: { unitCode: 'BG', name: 'Ban Dân vận Tỉnh ủy Bắc Giang' }, draftAhead: 30 }],
  pause: [{ reason: 'Tỉnh ủy chỉ đạo lùi "Tháng Dân vận" năm nay sau đợt sáp nhập đơn vị hành chính' }],
  unpause: [{ reason: 'Tiếp tục dự thảo kế hoạch hằng năm' }],
  issueDraft: [{ plan: { number: '215-KH/BDVTU', issuedOn: '2025-09-08' }, tree: { sample: 'bac-giang' } }],
  discardDraft: [{ reason: 'Ban hành kế hoạch riêng theo chỉ đạo của Ban Thường vụ Tỉnh ủy' }],
};
export const EXAMPLE_SCHEDULE_ID = 'yearly-thang-dan-van-BG';
export const EXAMPLE_DRAFT_ID = 'BG-2025-thang-dan-van';

/** Path parameters of the walk-through. */
export const EXAMPLE_PARAMS = {
  campaignId: EXAMPLE_CAMPAIGN_ID,
  petitionId: 'P1',
  modelId: 'M1',
  deadline: 'dialogues',
};
